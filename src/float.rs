//! The float methods std has and `core` lacks, for the `no_std` wasm (src/lib.rs); the host
//! keeps std's own. Each calls the C math function std's method comes to on
//! wasm32-unknown-unknown, from `compiler_builtins` (libm's Rust port, linked in every build):
//! the same results as before. LLVM knows these functions, so `floor`, `ceil`, `trunc` and
//! `sqrt` still compile to wasm instructions, as std's did.

unsafe extern "C" {
    safe fn floor(x: f64) -> f64;
    safe fn ceil(x: f64) -> f64;
    safe fn trunc(x: f64) -> f64;
    safe fn round(x: f64) -> f64;
    safe fn roundf(x: f32) -> f32;
    safe fn sqrtf(x: f32) -> f32;
    safe fn rintf(x: f32) -> f32;
    safe fn powf(x: f32, y: f32) -> f32;
}

pub trait Float {
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn trunc(self) -> Self;
    fn round(self) -> Self;
    fn fract(self) -> Self;
}

impl Float for f64 {
    fn floor(self) -> f64 {
        floor(self)
    }
    fn ceil(self) -> f64 {
        ceil(self)
    }
    fn trunc(self) -> f64 {
        trunc(self)
    }
    fn round(self) -> f64 {
        round(self)
    }
    fn fract(self) -> f64 {
        self - trunc(self)
    }
}

pub trait Float32 {
    fn round(self) -> Self;
    fn sqrt(self) -> Self;
    /// Ties to even: `rintf` in the default rounding mode, the only one wasm has.
    fn round_ties_even(self) -> Self;
    fn powf(self, n: Self) -> Self;
}

impl Float32 for f32 {
    fn round(self) -> f32 {
        roundf(self)
    }
    fn sqrt(self) -> f32 {
        sqrtf(self)
    }
    fn round_ties_even(self) -> f32 {
        rintf(self)
    }
    fn powf(self, n: f32) -> f32 {
        powf(self, n)
    }
}

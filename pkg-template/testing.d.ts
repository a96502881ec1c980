// Types of vitrin/testing.
import type { Catalog, Engine, Options } from "vitrin";

/** 2026-01-15 12:00 UTC. */
export declare const TEST_EPOCH: number;
/** Eight related products in shoes, clothing and pets. */
export declare const fixtureCatalog: Catalog;

export interface TestClock {
  now(): number;
  /** Moves the clock forward; returns the new time. */
  advance(ms: number): number;
  set(ms: number): void;
}

export declare function createTestClock(start?: number): TestClock;

/** An engine with memory storage, a test clock and the fixture catalog unless `options.catalog` is given. */
export declare function createTestVitrin(options?: Partial<Options> & { clock?: TestClock }): Promise<{ engine: Engine; clock: TestClock }>;

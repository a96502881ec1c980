// Product pictures drawn as inline SVG from the product's category and colour: the demo ships
// no image files, and inline markup costs no request (the journeys assert there are none).

/** Mixes two `#rrggbb` colours; `w` is the weight of `b`. */
function mix(a, b, w) {
  const ch = (hex, i) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2].map((i) => Math.round(ch(a, i) * (1 - w) + ch(b, i) * w).toString(16).padStart(2, "0")).join("")}`;
}

function luminance(hex) {
  const [r, g, b] = [0, 1, 2].map((i) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const shoe = (c, d, running) => `
  <path d="M26 134 Q27 104 46 98 L72 92 Q86 112 114 114 L150 120 Q176 126 176 142 L176 148 L26 148 Z" fill="${c}" stroke="${d}" stroke-width="3" stroke-linejoin="round"/>
  <path d="M22 148 H180 Q180 162 166 162 H36 Q22 162 22 148 Z" fill="${running ? "#ffffff" : d}" stroke="${d}" stroke-width="3"/>
  ${running
    ? `<path d="M88 128 L126 142 M100 122 L140 136" stroke="#ffffff" stroke-width="6" stroke-linecap="round"/>`
    : `<path d="M26 140 H176" stroke="${d}" stroke-width="2" stroke-dasharray="4 5"/>`}
  ${[[80, 102], [91, 107], [102, 111]].map(([x, y]) => `<circle cx="${x}" cy="${y}" r="3" fill="${d}"/>`).join("")}`;

const bag = (c, d, mark) => `
  <path d="M56 52 L144 52 L154 172 L46 172 Z" fill="${c}" stroke="${d}" stroke-width="3" stroke-linejoin="round"/>
  <path d="M52 36 H148 L144 52 H56 Z" fill="${d}"/>
  <circle cx="100" cy="114" r="32" fill="#ffffff" opacity=".92"/>
  ${mark}`;

const PAW = (d) => `<g fill="${d}"><ellipse cx="100" cy="122" rx="13" ry="11"/><circle cx="85" cy="106" r="5.5"/><circle cx="95" cy="99" r="5.5"/><circle cx="106" cy="99" r="5.5"/><circle cx="116" cy="106" r="5.5"/></g>`;
const BONE = (d) => `<g fill="${d}" transform="rotate(-25 100 114)"><rect x="80" y="108" width="40" height="12" rx="4"/>${[[80, 107], [80, 121], [120, 107], [120, 121]].map(([x, y]) => `<circle cx="${x}" cy="${y}" r="7"/>`).join("")}</g>`;

const book = (c, d, kids) => `
  <rect x="150" y="34" width="8" height="136" fill="#f4efe4" stroke="${d}" stroke-width="2"/>
  <rect x="54" y="28" width="98" height="144" rx="4" fill="${c}" stroke="${d}" stroke-width="3"/>
  <rect x="54" y="28" width="14" height="144" fill="${d}" opacity=".35"/>
  <rect x="82" y="54" width="56" height="9" rx="2" fill="#ffffff" opacity=".9"/>
  <rect x="82" y="69" width="40" height="6" rx="2" fill="#ffffff" opacity=".6"/>
  ${kids
    ? `<path d="M110 100 l8 17 19 2 -14 13 4 19 -17 -10 -17 10 4 -19 -14 -13 19 -2 Z" fill="#ffffff" opacity=".8"/>`
    : `<circle cx="110" cy="126" r="22" fill="#ffffff" opacity=".22"/><path d="M84 152 H138" stroke="#ffffff" stroke-width="3" opacity=".5"/>`}`;

const SHAPES = {
  "fashion/shirts": (c, d) => `
    <path d="M64 44 L86 34 Q100 46 114 34 L136 44 L168 72 L150 98 L136 88 L136 170 L64 170 L64 88 L50 98 L32 72 Z" fill="${c}" stroke="${d}" stroke-width="3" stroke-linejoin="round"/>
    <path d="M86 34 L92 58 L100 54 Z M114 34 L108 58 L100 54 Z" fill="${d}" opacity=".55"/>
    <path d="M100 56 V170" stroke="${d}" stroke-width="2"/>
    ${[78, 100, 122, 144].map((y) => `<circle cx="106" cy="${y}" r="2.8" fill="${d}"/>`).join("")}`,
  "fashion/blouses": (c, d) => `
    <path d="M70 44 Q100 66 130 44 L158 62 Q168 86 160 106 L142 100 Q138 120 144 170 L56 170 Q62 120 58 100 L40 106 Q32 86 42 62 Z" fill="${c}" stroke="${d}" stroke-width="3" stroke-linejoin="round"/>
    <path d="M84 74 Q86 90 82 104 M100 76 V108 M116 74 Q114 90 118 104" stroke="${d}" stroke-width="2" fill="none" opacity=".6"/>
    <path d="M92 60 L100 68 L108 60 L100 64 Z" fill="${d}"/>`,
  "fashion/skirts": (c, d) => `
    <rect x="64" y="38" width="72" height="16" rx="3" fill="${d}"/>
    <path d="M66 54 L134 54 L164 162 Q100 174 36 162 Z" fill="${c}" stroke="${d}" stroke-width="3" stroke-linejoin="round"/>
    <path d="M84 54 L68 166 M100 54 V170 M116 54 L132 166" stroke="${d}" stroke-width="2" opacity=".55"/>`,
  "fashion/shoes/running": (c, d) => shoe(c, d, true),
  "fashion/shoes/casual": (c, d) => shoe(c, d, false),
  "books/novels": (c, d) => book(c, d, false),
  "books/children": (c, d) => book(c, d, true),
  "pets/cat/food": (c, d) => bag(c, d, PAW(d)),
  "pets/dog/food": (c, d) => bag(c, d, BONE(d)),
  "pets/cat/toys": (c, d) => `
    <path d="M40 172 L118 70" stroke="#8a6a4a" stroke-width="5" stroke-linecap="round"/>
    <path d="M118 70 Q138 30 170 36 Q156 62 118 70 Z M118 70 Q150 58 172 74 Q144 88 118 70 Z" fill="${c}" stroke="${d}" stroke-width="2"/>
    <circle cx="78" cy="140" r="28" fill="${c}" stroke="${d}" stroke-width="3"/>
    <path d="M54 128 Q78 140 100 126 M56 150 Q80 136 104 150 M70 114 Q66 140 76 166" stroke="${d}" stroke-width="2" fill="none"/>`,
  "eyewear/lenses": (c, d) => `
    <rect x="36" y="62" width="128" height="92" rx="10" fill="${c}" stroke="${d}" stroke-width="3"/>
    <rect x="36" y="62" width="128" height="22" rx="10" fill="${d}" opacity=".3"/>
    <circle cx="100" cy="122" r="26" fill="#ffffff" opacity=".92"/>
    <path d="M78 128 Q100 92 122 128 Q100 120 78 128 Z" fill="#cfe8fb" stroke="#5d9ccf" stroke-width="2.5"/>`,
  "eyewear/solution": (c, d) => `
    <rect x="88" y="26" width="24" height="24" rx="4" fill="${d}"/>
    <path d="M80 50 H120 L130 66 V164 Q130 174 120 174 H80 Q70 174 70 164 V66 Z" fill="${c}" stroke="${d}" stroke-width="3" stroke-linejoin="round"/>
    <rect x="78" y="92" width="44" height="50" rx="5" fill="#ffffff" opacity=".92"/>
    <path d="M100 100 Q112 116 100 132 Q88 116 100 100 Z" fill="#5d9ccf"/>`,
  "eyewear/frames": (c) => `
    <g fill="#ffffff" fill-opacity=".55" stroke="${c}" stroke-width="7" stroke-linejoin="round">
      <rect x="34" y="78" width="60" height="50" rx="22"/><rect x="106" y="78" width="60" height="50" rx="22"/>
    </g>
    <path d="M94 96 Q100 86 106 96 M34 92 L18 84 M166 92 L182 84" stroke="${c}" stroke-width="7" fill="none" stroke-linecap="round"/>`,
};

/** Inline SVG of `product` (`{ category, color, title }`). */
export function picture(product, className = "picture") {
  const c = /^#[0-9a-f]{6}$/i.test(product.color ?? "") ? product.color : "#8d9096";
  const d = luminance(c) < 0.3 ? mix(c, "#ffffff", 0.4) : mix(c, "#000000", 0.4);
  const bg = mix(c, "#f4f2ee", 0.84);
  const draw = SHAPES[product.category] ?? ((cc, dd) => `<rect x="50" y="50" width="100" height="100" rx="16" fill="${cc}" stroke="${dd}" stroke-width="3"/>`);
  return `<svg class="${className}" viewBox="0 0 200 200" aria-hidden="true" focusable="false">
    <rect width="200" height="200" fill="${bg}"/>
    <ellipse cx="100" cy="180" rx="64" ry="6" fill="#000000" opacity=".07"/>
    ${draw(c, d)}</svg>`;
}

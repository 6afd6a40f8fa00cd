/**
 * Serializes the rendered 502 timeline (the Recharts <svg> inside [data-testid="timeline-chart"]) to a standalone
 * SVG, and draws that on a canvas for PNG. Browser only; no dependency beyond the DOM.
 */

/** Presentation properties a stylesheet or Recharts may set; copied inline so the file looks the same anywhere. */
const STYLE_PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "opacity",
  "font-family",
  "font-size",
  "font-weight",
  "text-anchor",
  "dominant-baseline",
  "visibility",
] as const;
const SVG_NS = "http://www.w3.org/2000/svg";
const TITLE_H = 28;
const LEGEND_H = 26;

function inlineStyles(source: Element, target: Element) {
  const cs = getComputedStyle(source);
  const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";");
  target.setAttribute("style", style);
  for (let i = 0; i < source.children.length; i++) inlineStyles(source.children[i], target.children[i]);
}

function el(name: string, attrs: Record<string, string | number>, text?: string) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface SerializedChart {
  svg: string;
  width: number;
  height: number;
}

/** The chart as SVG text, with a white background, a title and the legend drawn in; null when no chart is shown. */
export function serializeTimeline(title: string, root: ParentNode = document): SerializedChart | null {
  const wrapper = root.querySelector('[data-testid="timeline-chart"]');
  const chart = wrapper?.querySelector(".recharts-wrapper > svg") ?? wrapper?.querySelector("svg");
  if (!wrapper || !chart) return null;
  const box = chart.getBoundingClientRect();
  const width = Math.round(box.width);
  const chartH = Math.round(box.height);
  const clone = chart.cloneNode(true) as SVGSVGElement;
  inlineStyles(chart, clone);
  // The brush and the tooltip are controls, not part of the picture.
  clone.querySelectorAll(".recharts-brush, .recharts-tooltip-cursor").forEach((n) => n.remove());

  const out = document.createElementNS(SVG_NS, "svg");
  const height = TITLE_H + chartH + LEGEND_H;
  out.setAttribute("xmlns", SVG_NS);
  out.setAttribute("width", String(width));
  out.setAttribute("height", String(height));
  out.setAttribute("viewBox", `0 0 ${width} ${height}`);
  out.setAttribute("font-family", "system-ui, -apple-system, Segoe UI, Roboto, sans-serif");
  out.appendChild(el("rect", { x: 0, y: 0, width, height, fill: "#fff" }));
  out.appendChild(el("text", { x: 12, y: 19, "font-size": 14, "font-weight": 600, fill: "#1b1f24" }, title));
  const g = el("g", { transform: `translate(0 ${TITLE_H})` });
  clone.removeAttribute("class");
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(chartH));
  g.appendChild(clone);
  out.appendChild(g);

  // Recharts draws its legend in HTML: redraw each entry as a swatch and a label.
  let x = 12;
  const y = TITLE_H + chartH + 16;
  const paint = (v: string | undefined) => (v && v !== "none" && !v.startsWith("rgba(0, 0, 0, 0)") ? v : null);
  // Marker-only series (stroke "none") have no legend colour: take it from their dots, which carry the series name.
  const dotColor = (label: string) => {
    const dot = [...chart.querySelectorAll(".recharts-dot")].find((d) => d.getAttribute("name") === label);
    return dot ? paint(getComputedStyle(dot).fill) : null;
  };
  wrapper.querySelectorAll(".recharts-legend-item").forEach((item) => {
    const label = item.querySelector(".recharts-legend-item-text")?.textContent ?? item.textContent ?? "";
    const icon = item.querySelector("path, circle, rect");
    const own = icon ? (paint(getComputedStyle(icon).fill) ?? paint(getComputedStyle(icon).stroke)) : null;
    const marker = own === null ? dotColor(label) : null;
    if (own) out.appendChild(el("rect", { x, y: y - 9, width: 10, height: 10, fill: own }));
    else if (marker) out.appendChild(el("circle", { cx: x + 5, cy: y - 4, r: 4, fill: marker }));
    out.appendChild(el("text", { x: x + 14, y, "font-size": 12, fill: "#1b1f24" }, label));
    x += 14 + label.length * 7 + 18;
  });
  return {
    svg: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}`,
    width,
    height,
  };
}

/** Draws the SVG on a canvas (2× for sharp text) and answers a PNG. */
export async function svgToPng(chart: SerializedChart, scale = 2): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.svg)}`;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = chart.width * scale;
  canvas.height = chart.height * scale;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("This browser cannot draw on a canvas.");
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, chart.width, chart.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("Could not encode the PNG."))), "image/png"),
  );
}

export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

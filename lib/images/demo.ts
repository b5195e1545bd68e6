import "server-only";
import sharp from "sharp";
import type { Queryable } from "@/db/client";
import { IMAGE_SIZES, insertImage } from "./index";

/**
 * The demo catalog's pictures, drawn for the project (no third-party artwork, no fonts needed): each course gets a
 * cover of soft shapes in its own hues, each instructor a portrait badge, both made from a seed so a restart draws
 * the same picture (and stores no second copy).
 */
function hash(seed: string): number {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

function coverSvg(seed: string): string {
  const h = hash(seed);
  const hue = h % 360;
  const { width, height } = IMAGE_SIZES.cover;
  const shapes = Array.from({ length: 7 }, (_, i) => {
    const x = (h >> (i * 3)) % width;
    const y = (h >> (i * 2 + 5)) % height;
    const r = 60 + ((h >> i) % 160);
    return `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${(hue + i * 25) % 360} 70% ${55 + (i % 3) * 8}%)" fill-opacity="0.55"/>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 60% 30%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360} 65% 45%)"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}
    <path d="M0 ${height * 0.78} Q ${width / 2} ${height * 0.6} ${width} ${height * 0.8} V ${height} H 0 Z" fill="hsl(${hue} 40% 15%)" fill-opacity="0.35"/></svg>`;
}

function portraitSvg(seed: string): string {
  const hue = hash(seed) % 360;
  const { width } = IMAGE_SIZES.portrait;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${width}">
    <rect width="100%" height="100%" fill="hsl(${hue} 55% 85%)"/>
    <circle cx="128" cy="104" r="52" fill="hsl(${hue} 45% 40%)"/>
    <path d="M40 256 C 50 180, 206 180, 216 256 Z" fill="hsl(${hue} 45% 40%)"/></svg>`;
}

export async function demoImage(db: Queryable, kind: "cover" | "portrait", seed: string): Promise<string> {
  const { width, height } = IMAGE_SIZES[kind];
  const svg = kind === "cover" ? coverSvg(seed) : portraitSvg(seed);
  const data = await sharp(Buffer.from(svg)).resize(width, height).webp({ quality: 80 }).toBuffer();
  return insertImage(db, data, width, height);
}

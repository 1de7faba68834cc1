/**
 * Reads a QR code out of a PNG (a Playwright screenshot of the element that
 * shows it) with ZXing, a maintained reader: the test sees what a phone's
 * camera would, not the text the page meant to encode.
 */
import type { Locator } from "@playwright/test";
import zxing from "@zxing/library";
import { PNG } from "pngjs";

// A CommonJS package: its named exports come through the default import.
const { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } = zxing;

/**
 * `modules`: how many modules wide the code is, quiet zone included (its
 * SVG's viewBox). ZXing's detector misreads about 1 in 80 small codes at
 * screen pixels (some at any size); given the grid, a failed read is tried
 * again on the screen's pixels sampled at each module's centre.
 */
export function readQrCode(png: Buffer, modules?: number): string {
  const image = PNG.sync.read(png);
  // ZXing takes one int per pixel (0xRRGGBB); flatten transparency onto white, as a screen shows it.
  const pixels = new Int32Array(image.width * image.height);
  for (let i = 0; i < pixels.length; i++) {
    const alpha = image.data[i * 4 + 3]! / 255;
    const channel = (offset: number) => Math.round(image.data[i * 4 + offset]! * alpha + 255 * (1 - alpha));
    pixels[i] = (channel(0) << 16) | (channel(1) << 8) | channel(2);
  }
  const read = (data: Int32Array, width: number, height: number, hint: (typeof DecodeHintType)[keyof typeof DecodeHintType]) =>
    new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(data, width, height))), new Map([[hint, true]])).getText();
  try {
    return read(pixels, image.width, image.height, DecodeHintType.TRY_HARDER);
  } catch (error) {
    if (modules === undefined) throw error;
    // Each module's centre pixel, drawn 8 × 8, with a white border of 4 modules: the code alone, read whole.
    const scale = 8;
    const size = (modules + 8) * scale;
    const grid = new Int32Array(size * size).fill(0xffffff);
    for (let row = 0; row < modules; row++) {
      for (let col = 0; col < modules; col++) {
        const x = Math.min(image.width - 1, Math.floor(((col + 0.5) * image.width) / modules));
        const y = Math.min(image.height - 1, Math.floor(((row + 0.5) * image.height) / modules));
        const value = pixels[y * image.width + x]!;
        for (let dy = 0; dy < scale; dy++) grid.fill(value, ((row + 4) * scale + dy) * size + (col + 4) * scale, ((row + 4) * scale + dy) * size + (col + 5) * scale);
      }
    }
    try {
      return read(grid, size, size, DecodeHintType.PURE_BARCODE);
    } catch {
      throw error;
    }
  }
}

/** Reads the QR code an element shows: its SVG as the screen draws it, and the SVG's grid (its viewBox). */
export async function readQrCodeOf(element: Locator): Promise<string> {
  const svg = element.locator("svg").first();
  const modules = Number((await svg.getAttribute("viewBox"))?.split(" ")[2]);
  return readQrCode(await svg.screenshot(), Number.isInteger(modules) && modules > 0 ? modules : undefined);
}

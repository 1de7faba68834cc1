/**
 * Reads a QR code out of a PNG (a Playwright screenshot of the element that
 * shows it) with ZXing, a maintained reader: the test sees what a phone's
 * camera would, not the text the page meant to encode.
 */
import zxing from "@zxing/library";
import { PNG } from "pngjs";

// A CommonJS package: its named exports come through the default import.
const { BinaryBitmap, DecodeHintType, HybridBinarizer, QRCodeReader, RGBLuminanceSource } = zxing;

export function readQrCode(png: Buffer): string {
  const image = PNG.sync.read(png);
  // ZXing takes one int per pixel (0xRRGGBB); flatten transparency onto white, as a screen shows it.
  const pixels = new Int32Array(image.width * image.height);
  for (let i = 0; i < pixels.length; i++) {
    const alpha = image.data[i * 4 + 3]! / 255;
    const channel = (offset: number) => Math.round(image.data[i * 4 + offset]! * alpha + 255 * (1 - alpha));
    pixels[i] = (channel(0) << 16) | (channel(1) << 8) | channel(2);
  }
  const bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, image.width, image.height)));
  return new QRCodeReader().decode(bitmap, new Map([[DecodeHintType.TRY_HARDER, true]])).getText();
}

// Reading QR codes from a camera, for the scanner and the self check-in tablet: the standard
// BarcodeDetector (Android Chrome's own), else the vendored zxing-wasm polyfill (iOS Safari,
// desktop; the page loads vendor/barcode-detector/index.js as a classic script). `wasmUrl` is
// where the page serves the polyfill's zxing_reader.wasm.
export async function makeDetector(wasmUrl) {
  const polyfill = window.BarcodeDetectionAPI;
  if (polyfill) {
    polyfill.prepareZXingModule({
      overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmUrl : prefix + path) },
      fireImmediately: true,
    });
  }
  const Native = window.BarcodeDetector;
  if (Native && (!polyfill || Native !== polyfill.BarcodeDetector)) {
    try {
      if ((await Native.getSupportedFormats()).includes("qr_code")) return new Native({ formats: ["qr_code"] });
    } catch (error) {
      /* fall back to the polyfill */
    }
  }
  return polyfill ? new polyfill.BarcodeDetector({ formats: ["qr_code"] }) : null;
}

/** The first QR code in the video's current frame, or null (also for a frame that could not be read). */
export async function readFrame(detector, video) {
  if (video.readyState < 2 || document.hidden) return null;
  try {
    const codes = await detector.detect(video);
    return codes.length ? codes[0].rawValue : null;
  } catch (error) {
    return null;
  }
}

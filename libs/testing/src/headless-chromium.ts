import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium, which `.ci/run` installs (`apt-get install chromium`); playwright-core downloads no browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * A headless Chromium for browser tests, driven by `playwright-core`. Without the sandbox: tests run
 * as root here, which Chromium's sandbox refuses.
 * @throws Error naming the path and the package when Chromium is not installed: the test fails, never skips.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium; .ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ["--no-sandbox"] });
}

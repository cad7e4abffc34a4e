import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The gateway serves dist/ at /ui (services/gateway/src/http/serve-inspector.ts): every asset URL starts there.
export default defineConfig({
  base: "/ui/",
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});

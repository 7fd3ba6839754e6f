import { defineConfig } from "vite";

// The dashboard is built into the server's wwwroot, so `dotnet run --project src/StratX.Server` serves it
// on a machine without Node. The built files are committed; see web/README.md.
export default defineConfig({
  base: "./",
  build: {
    outDir: "../src/StratX.Server/wwwroot",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 400,
    rollupOptions: { output: { entryFileNames: "assets/[name].js", assetFileNames: "assets/[name][extname]" } },
  },
  server: { proxy: { "/api": "http://localhost:5000", "/hubs": { target: "http://localhost:5000", ws: true } } },
});

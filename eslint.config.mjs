import nx from "@nx/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.nx/**", "**/.scratch/**", "tasks/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    plugins: { "@nx": nx },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A service never imports another service; libraries never import services or tools.
      "@nx/enforce-module-boundaries": [
        "error",
        {
          allow: [],
          // The testing library builds on the libraries whose tests use it: a cycle through test files
          // only (no library's build includes its tests), which Nx's project graph cannot tell apart.
          ignoredCircularDependencies: [
            ["bus", "testing"],
            ["event-store", "testing"],
            ["run-model", "testing"],
            ["sandbox", "testing"],
          ],
          depConstraints: [
            { sourceTag: "type:lib", onlyDependOnLibsWithTags: ["type:lib"] },
            { sourceTag: "type:service", onlyDependOnLibsWithTags: ["type:lib"] },
            // The CLI is the composition root: `tasker start` runs services, so it may import them
            // (services are Nx "library" projects for that reason: Nx forbids importing applications).
            { sourceTag: "type:tool", onlyDependOnLibsWithTags: ["type:lib", "type:service"] },
            { sourceTag: "type:bench", onlyDependOnLibsWithTags: ["type:lib"] },
            { sourceTag: "type:e2e", onlyDependOnLibsWithTags: ["type:lib"] },
            // The run inspector's page reads the API's shapes from the contracts (types only, erased from the bundle).
            { sourceTag: "type:ui", onlyDependOnLibsWithTags: ["type:lib"] },
          ],
        },
      ],
    },
  },
);

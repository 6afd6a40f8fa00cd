// Lint: typescript-eslint's recommended rules, React hooks, Next's rules. `npm run lint`; .ci/run runs it.
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import nextPlugin from "@next/eslint-plugin-next";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".next/",
      ".next-*/",
      "lib/generated/",
      "test-results/",
      "playwright-report/",
      "scripts/lab/.gateway/",
      "scripts/lab/.scratch/",
      "scripts/collector/dist/",
      "scripts/parse-thread/dist/",
      "bench-data/",
      "data/",
      "next-env.d.ts",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: {
      // The hooks rules proper; the React Compiler's rules (react-hooks 7 "recommended") are for apps built with it.
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      ...nextPlugin.configs.recommended.rules,
      // A variable closures read before its one assignment (a timer cleared in a callback) cannot be const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  // CommonJS: the lab's gateway launcher (microgateway-core is CommonJS) and recorded fixtures' programs.
  { files: ["**/*.cjs", "**/__fixtures__/**/*.js"], rules: { "@typescript-eslint/no-require-imports": "off" } },
);

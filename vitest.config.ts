import { defineConfig } from 'vitest/config';

// One root config: `pnpm test` runs every package's tests (each package is a project).
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
  },
});

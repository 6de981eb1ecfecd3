import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'client/index': 'src/client/index.ts',
    'protocol/index': 'src/protocol/index.ts',
    // The preload for `node --require`/`--import`: its side effect is the point.
    'register-twilio': 'src/twilio/register.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});

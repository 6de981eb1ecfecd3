#!/usr/bin/env node
// What `pnpm start` and `pnpm test:all` do first, one line per step: install the workspace
// (its output kept and shown only on failure), with --chromium make sure the browser tests'
// Chromium is there, with --media-tools the media tests' peers (baresip, sipp, espeak-ng, sox),
// with --cluster-tools the cluster tests' servers (PostgreSQL, Redis, nginx), then build every
// package (scripts/build.mjs).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pnpm, step } from './steps.mjs';

const root = join(import.meta.dirname, '..');

export async function prepare({ chromium = false, mediaTools = false, clusterTools = false } = {}) {
  const [command, args] = pnpm(['install', '--frozen-lockfile', '--reporter=append-only']);
  await step('Installing dependencies', command, args, { cwd: root });
  if (chromium) await step('Checking Chromium', 'bash', [join(root, 'scripts/ensure-chromium.sh')]);
  if (mediaTools) {
    await step("Checking the media tests' SIP phones and tools", 'bash', [join(root, 'scripts/ensure-media-tools.sh')]);
  }
  if (clusterTools) {
    await step("Checking the cluster tests' PostgreSQL, Redis and nginx", 'bash', [
      join(root, 'scripts/ensure-cluster-tools.sh'),
    ]);
  }
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (resolve(process.argv[1] ?? '') === import.meta.filename)
  await prepare({
    chromium: process.argv.includes('--chromium'),
    mediaTools: process.argv.includes('--media-tools'),
    clusterTools: process.argv.includes('--cluster-tools'),
  });

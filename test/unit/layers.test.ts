import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Layers point one way: GraphQL (and HTTP) -> services -> infrastructure. Services and infrastructure
 * know nothing of GraphQL, so an HTTP route, a CLI or a background worker can use them as they are.
 */

const SRC = path.resolve(__dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module a file imports (static, dynamic, type-only), as written. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
    (match) => match[1] ?? match[2] ?? match[3],
  );
}

/** Where a file sits: the GraphQL layer, the HTTP layer, the composition root, or services and infrastructure. */
function layerOf(relative: string): 'graphql' | 'http' | 'composition' | 'below' {
  if (relative.startsWith('graphql/') || /^features\/[^/]+\/graphql\//.test(relative)) return 'graphql';
  // A feature's HTTP routes (an OAuth callback) sit beside its resolvers, in the same layer as http/.
  if (relative.startsWith('http/') || /^features\/[^/]+\/http\//.test(relative)) return 'http';
  // Where the parts meet: start-up, the entity list, the feature registry and each feature's entry.
  if (['app.ts', 'main.ts', 'cli.ts', 'entities.ts', 'features/index.ts', 'features/Feature.ts'].includes(relative)) return 'composition';
  if (/^features\/[^/]+\/index\.ts$/.test(relative)) return 'composition';
  return 'below';
}

const GRAPHQL_PACKAGES = /^(graphql|type-graphql|@apollo\/)/;

/** The source file a relative import names, relative to src/. */
function resolve(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  const file = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate)) ?? base;
  return path.relative(SRC, file).split(path.sep).join('/');
}

describe('layers', () => {
  const all = files(SRC).map((file) => ({ file, relative: path.relative(SRC, file).split(path.sep).join('/') }));

  it('services and infrastructure import neither graphql, type-graphql nor Apollo, nor the GraphQL or HTTP layer', () => {
    const below = all.filter(({ relative }) => layerOf(relative) === 'below');
    // The rule must have something to hold for: services, the core, the stores.
    expect(below.map(({ relative }) => relative)).toEqual(
      expect.arrayContaining(['features/password/PasswordService.ts', 'core/Transactions.ts', 'infra/redis/ResilientRedis.ts', 'login/LoginFlow.ts']),
    );
    const offences: string[] = [];
    for (const { file, relative } of below) {
      for (const spec of importsOf(file)) {
        if (GRAPHQL_PACKAGES.test(spec)) offences.push(`${relative} imports ${spec}`);
        if (spec.startsWith('.')) {
          const target = resolve(file, spec);
          const layer = layerOf(target);
          // The configuration reads each feature's section from the registry (config only, no GraphQL).
          const registryForConfig = relative.startsWith('config/') && target === 'features/index.ts';
          if (layer === 'graphql' || layer === 'http' || (layer === 'composition' && !registryForConfig)) {
            offences.push(`${relative} imports ${target} (${layer})`);
          }
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('infrastructure does not reach up into the services or the features', () => {
    const offences: string[] = [];
    for (const { file, relative } of all.filter(({ relative }) => relative.startsWith('infra/'))) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const target = resolve(file, spec);
        if (/^(features|login|sessions|users)\//.test(target)) offences.push(`${relative} imports ${target}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('can see an offence (the check is not blind)', () => {
    const resolver = all.find(({ relative }) => relative === 'features/password/graphql/PasswordResolver.ts')!;
    expect(importsOf(resolver.file)).toContain('type-graphql');
  });
});

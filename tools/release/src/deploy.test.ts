// Issue 21: the deployment files users run. deploy/k8s: every manifest is valid against the Kubernetes JSON
// schemas (npm kubernetes-models, generated from Kubernetes' OpenAPI description) and the manifests fit together
// (probes, ports, selectors, secrets per service). compose.yaml: a sandbox profile, per-service environments,
// ports on 127.0.0.1. Both name only commands the image's entry point knows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll, load } from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './outside.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const k8sDir = join(repoRoot, 'deploy', 'k8s');
const manifests: Array<{ file: string; doc: Json }> = readdirSync(k8sDir)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((file) =>
    loadAll(readFileSync(join(k8sDir, file), 'utf8'))
      .filter(Boolean)
      .map((doc) => ({ file, doc: doc as Json })),
  );
const byKind = (kind: string, name: string): Json => {
  const found = manifests.find((m) => m.doc.kind === kind && m.doc.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found.doc;
};

/** The schema model per apiVersion and kind (kubernetes-models validates against Kubernetes' own schemas). */
const MODELS: Record<string, new (data: Json) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

/** Validates one object against its Kubernetes schema; throws with the schema's complaints. */
async function validate(doc: Json): Promise<void> {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema model for ${doc.apiVersion} ${doc.kind} (add it to MODELS)`);
  new Model(doc).validate();
}

const entryCommands = (): string[] => {
  const entry = readFileSync(join(repoRoot, 'deploy', 'image', 'entrypoint.mjs'), 'utf8');
  const programs = entry.match(/const programs = \{([\s\S]*?)\n\};/)![1]!;
  return [...programs.matchAll(/^\s+(\w+):/gm)].map((m) => m[1]!);
};

const podOf = (deployment: Json): Json => deployment.spec.template.spec;
const containerOf = (deployment: Json): Json => podOf(deployment).containers[0];

describe('deploy/k8s', () => {
  it('holds the expected objects, with config and secrets apart', () => {
    expect(manifests.map((m) => `${m.doc.kind}/${m.doc.metadata.name}`).sort()).toEqual([
      'ConfigMap/zendesk-lifecycle',
      'ConfigMap/zendesk-lifecycle-consumer',
      'Deployment/zendesk-lifecycle-consumer',
      'Deployment/zendesk-lifecycle-ingestion',
      'Secret/zendesk-lifecycle-ingest',
      'Secret/zendesk-lifecycle-zendesk',
      'Service/zendesk-lifecycle-ingestion',
    ]);
    for (const { doc } of manifests.filter((m) => m.doc.kind === 'ConfigMap'))
      for (const key of Object.keys(doc.data ?? {}))
        expect(key, `${doc.metadata.name} holds a secret`).not.toMatch(/SECRET|TOKEN|PASSWORD|API_KEY/);
    const kustomization = load(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as Json;
    expect([...kustomization.resources].sort()).toEqual([...new Set(manifests.map((m) => m.file))].sort());
  });

  it('is valid against the Kubernetes schemas', async () => {
    for (const { file, doc } of manifests) await expect(validate(doc), file).resolves.toBeUndefined();
  });

  it('is checked for real: a wrong field type is refused', async () => {
    const broken = structuredClone(byKind('Deployment', 'zendesk-lifecycle-consumer'));
    broken.spec.replicas = 'two';
    await expect(validate(broken)).rejects.toThrow();
    const noImage = structuredClone(byKind('Deployment', 'zendesk-lifecycle-ingestion'));
    delete containerOf(noImage).name;
    await expect(validate(noImage)).rejects.toThrow();
  });

  it('runs the consumer ready on /readyz of its ops port, with time to stop gracefully, and resources', () => {
    const consumer = byKind('Deployment', 'zendesk-lifecycle-consumer');
    const container = containerOf(consumer);
    expect(container.args).toEqual(['consumer']);
    const opsPort = container.env.find((e: Json) => e.name === 'OPS_PORT').value;
    const ops = container.ports.find((p: Json) => p.name === container.readinessProbe.httpGet.port);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(String(ops.containerPort)).toBe(opsPort);
    expect(container.env).toContainEqual({ name: 'OPS_HOST', value: '0.0.0.0' });
    // As long as compose.yaml's stop_grace_period: the record in hand finishes (see the manifest's comment)
    expect(podOf(consumer).terminationGracePeriodSeconds).toBe(120);
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(podOf(consumer).securityContext.runAsNonRoot).toBe(true);
  });

  it('serves the ingestion through its Service, and gives it no Zendesk credential', () => {
    const ingestion = byKind('Deployment', 'zendesk-lifecycle-ingestion');
    const service = byKind('Service', 'zendesk-lifecycle-ingestion');
    const container = containerOf(ingestion);
    expect(container.args).toEqual(['ingestion']);
    expect(ingestion.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(container.ports.map((p: Json) => p.name)).toContain(service.spec.ports[0].targetPort);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    const seen = container.envFrom.flatMap((source: Json) => {
      if (source.secretRef) return Object.keys(byKind('Secret', source.secretRef.name).stringData);
      return Object.keys(byKind('ConfigMap', source.configMapRef.name).data);
    });
    expect(seen).toContain('INGEST_TOKEN');
    expect(seen.filter((name: string) => name.startsWith('ZENDESK_'))).toEqual([]);
  });

  it('names only commands the image knows', () => {
    for (const name of ['zendesk-lifecycle-consumer', 'zendesk-lifecycle-ingestion'])
      expect(entryCommands()).toContain(containerOf(byKind('Deployment', name)).args[0]);
  });
});

describe('compose.yaml', () => {
  const compose = load(readFileSync(join(repoRoot, 'compose.yaml'), 'utf8')) as Json;
  const services = compose.services as Record<string, Json>;

  it('runs the sandbox only in its profile, and the services with the image commands', () => {
    expect(services.sandbox!.profiles).toEqual(['sandbox']);
    expect(services.consumer!.command).toEqual(['consumer']);
    expect(services.ingestion!.command).toEqual(['ingestion']);
    for (const name of ['consumer', 'ingestion'])
      expect(entryCommands()).toContain(services[name]!.command[0]);
    expect(services.consumer!.stop_grace_period).toBe('120s');
  });

  it('binds every published port to 127.0.0.1', () => {
    const ports = Object.values(services).flatMap((s) => (s.ports ?? []) as string[]);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('gives the ingestion no Zendesk setting, and the consumer its own', () => {
    expect(Object.keys(services.ingestion!.environment).filter((k) => k.startsWith('ZENDESK_'))).toEqual([]);
    expect(Object.keys(services.consumer!.environment)).toEqual(
      expect.arrayContaining(['ZENDESK_OAUTH_CLIENT_ID', 'ZENDESK_OAUTH_CLIENT_SECRET']),
    );
    expect(Object.keys(services.consumer!.environment)).not.toContain('INGEST_TOKEN');
  });
});

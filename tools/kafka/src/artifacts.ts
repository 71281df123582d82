// Brings the broker's jars from Maven Central into the cache, once per Kafka version.
// The classpath is kafka_2.13's runtime closure plus the SLF4J 1.x -> Log4j 2 binding the tarball ships.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaToolError, USE_EXTERNAL_HINT } from './errors.js';
import { cacheDir, libsDir } from './paths.js';

/** Log4j version of each Kafka line (what its kafka-server module depends on). */
function log4jVersionFor(kafkaVersion: string): string {
  const [major, minor] = kafkaVersion.split('.').map(Number);
  if (major === 4 && (minor ?? 0) <= 1) return '2.24.3';
  if (major === 4 && minor === 2) return '2.25.4';
  return '2.25.5';
}

function pomFor(kafkaVersion: string): string {
  const log4j = log4jVersionFor(kafkaVersion);
  const dep = (group: string, artifact: string, version: string) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.zendesk-lifecycle</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
${dep('org.apache.kafka', 'kafka_2.13', kafkaVersion)}
${dep('org.apache.logging.log4j', 'log4j-api', log4j)}
${dep('org.apache.logging.log4j', 'log4j-core', log4j)}
${dep('org.apache.logging.log4j', 'log4j-slf4j-impl', log4j)}
  </dependencies>
  <build><pluginManagement><plugins>
    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
  </plugins></pluginManagement></build>
</project>
`;
}

/** The Java major version on PATH (or JAVA_HOME), or null when there is none. */
export function javaMajorVersion(javaBin = javaBinary()): number | null {
  const result = spawnSync(javaBin, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr ?? '');
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function assertJava(env: NodeJS.ProcessEnv = process.env): void {
  const major = javaMajorVersion(javaBinary(env));
  if (major === null)
    throw new KafkaToolError('java_missing', `Java was not found: install Java 17 ${USE_EXTERNAL_HINT}.`);
  if (major < 17)
    throw new KafkaToolError('java_too_old', `Java ${major} found; install Java 17 ${USE_EXTERNAL_HINT}.`);
}

const MARKER = '.complete';

/** True when the jars for this version are already in the cache. */
export function artifactsReady(version: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(join(libsDir(version, env), MARKER));
}

/** Downloads the broker's jars with Maven unless they are cached; returns the classpath directory. */
export function ensureArtifacts(
  version: string,
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): string {
  const env = options.env ?? process.env;
  const dir = libsDir(version, env);
  if (artifactsReady(version, env)) return dir;
  assertJava(env);
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new KafkaToolError(
      'maven_missing',
      `Maven was not found: install Maven (e.g. apt-get install maven) ${USE_EXTERNAL_HINT}.`,
    );
  }
  options.log?.(`fetching Apache Kafka ${version} from Maven Central into ${dir} (once)...`);
  const pomDir = join(cacheDir(env), `pom-${version}`);
  mkdirSync(pomDir, { recursive: true });
  writeFileSync(join(pomDir, 'pom.xml'), pomFor(version));
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(pomDir, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${dir}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new KafkaToolError('maven_failed', `Maven could not fetch Kafka ${version}:\n${output}`);
  }
  const jars = readdirSync(dir).filter((name) => name.endsWith('.jar'));
  if (!jars.some((name) => name.startsWith('kafka_2.13-'))) {
    throw new KafkaToolError('maven_failed', `Maven finished but ${dir} holds no kafka_2.13 jar.`);
  }
  writeFileSync(join(dir, MARKER), `${new Date().toISOString()} ${jars.length} jars\n`);
  return dir;
}

// npm run new:job -- <kebab-name>: scaffolds a job type the way the existing ones are written
// (payload, job declaration, handler and its unit test, processor module) and registers it.
// It checks everything before it writes anything: a refused name changes no file.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = process.cwd();
const name = process.argv[2];

function fail(message) {
  process.stderr.write(`new:job: ${message}\n`);
  process.exit(1);
}

if (!name) fail('usage: npm run new:job -- <kebab-case-name>   (e.g. device-reboot)');
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
  fail(`"${name}" is not kebab-case (lower-case words joined by "-", starting with a letter)`);
}
if (name.length > 64) fail(`"${name}" is longer than 64 characters`);

const pascal = name.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
const Job = `${pascal}Job`;
const Payload = `${pascal}Payload`;
const Handler = `${pascal}Handler`;
const Result = `${pascal}Result`;
const Processor = `${pascal}Processor`;
const JobModule = `${pascal}JobModule`;

const paths = {
  payload: `libs/domain/src/jobs/${name}/${name}.payload.ts`,
  job: `libs/domain/src/jobs/${name}/${name}.job.ts`,
  handler: `libs/workflow/src/handlers/${name}.handler.ts`,
  handlerSpec: `libs/workflow/src/handlers/${name}.handler.spec.ts`,
  processor: `apps/worker/src/jobs/${name}/${name}.processor.ts`,
  module: `apps/worker/src/jobs/${name}/${name}-job.module.ts`,
  catalog: 'libs/domain/src/jobs/job-catalog.ts',
  domainIndex: 'libs/domain/src/index.ts',
  workflowIndex: 'libs/workflow/src/index.ts',
  workerModule: 'apps/worker/src/worker.module.ts',
};

const read = (path) => {
  if (!existsSync(join(root, path))) fail(`${path} not found: run this from the project's root`);
  return readFileSync(join(root, path), 'utf8');
};

const catalog = read(paths.catalog);
if (declaredJobNames().includes(name) || new RegExp(`\\b${Job}\\b`).test(catalog)) {
  fail(`job type "${name}" exists already`);
}
for (const path of [paths.payload, paths.job, paths.handler, paths.handlerSpec, paths.processor, paths.module]) {
  if (existsSync(join(root, path))) fail(`${path} exists already: job type "${name}" is taken`);
}

/** The names the catalog's job files declare (`name: 'x'`), hand-written ones included. */
function declaredJobNames() {
  const names = [];
  const dir = join(root, 'libs/domain/src/jobs');
  for (const match of catalog.matchAll(/from '\.\/([a-z0-9-]+)\/\1\.job\.js'/g)) {
    const file = join(dir, match[1], `${match[1]}.job.ts`);
    if (existsSync(file)) {
      const declared = /name: '([^']+)'/.exec(readFileSync(file, 'utf8'));
      if (declared) names.push(declared[1]);
    }
  }
  return names;
}

/** Inserts `line` before the line matching `anchor`; fails naming the file when it is missing. */
function insertBefore(text, anchor, line, path) {
  const index = text.search(anchor);
  if (index === -1) fail(`${path}: cannot find where to register the job type (${anchor})`);
  return text.slice(0, index) + line + text.slice(index);
}

/** Adds an import after the file's last import. */
function addImport(text, line, path) {
  const imports = [...text.matchAll(/^import [^;]+;\n/gm)];
  if (imports.length === 0) fail(`${path}: no imports found`);
  const last = imports[imports.length - 1];
  const at = last.index + last[0].length;
  return text.slice(0, at) + line + text.slice(at);
}

const sortedExports = (text, lines) =>
  [...new Set([...text.split('\n').filter(Boolean), ...lines])].sort().join('\n') + '\n';

const files = new Map([
  [
    paths.payload,
    `import { IsText } from '../field-rules.js';

/** What a ${name} job needs. Field rules are class-validator decorators: they validate the REST
 * request, the job again in the worker, and produce the payload schema in /docs. */
export class ${Payload} {
  /** A placeholder: replace it with the job's real fields. */
  @IsText(1, 200)
  subject!: string;
}
`,
  ],
  [
    paths.job,
    `import { defineJob } from '../job-definition.js';
import { ${Payload} } from './${name}.payload.js';

export const ${Job} = defineJob({
  name: '${name}',
  payload: ${Payload},
  description: 'Describe what a ${name} job does.',
  retry: { attempts: 3, backoff: { delayMs: 1_000, maxDelayMs: 30_000, jitter: 0.5 } },
});
`,
  ],
  [
    paths.handler,
    `import { Injectable } from '@nestjs/common';
import type { ${Payload} } from '@app/domain';
import type { AttemptContext, JobHandler } from '../job-handler.js';

export interface ${Result} {
  readonly subject: string;
  readonly attempt: number;
}

/**
 * The business logic of a ${name} job. Throw to retry (while attempts remain); throw
 * PermanentJobError to fail at once. Depend on ports from @app/domain, never on BullMQ or Redis.
 */
@Injectable()
export class ${Handler} implements JobHandler<${Payload}, ${Result}> {
  async handle(payload: ${Payload}, context: AttemptContext): Promise<${Result}> {
    return { subject: payload.subject, attempt: context.attempt };
  }
}
`,
  ],
  [
    paths.handlerSpec,
    `import { describe, expect, it } from '@jest/globals';
import type { AttemptContext } from '../job-handler.js';
import { ${Handler} } from './${name}.handler.js';

const CONTEXT: AttemptContext = { jobId: '1', jobName: '${name}', attempt: 1, maxAttempts: 3 };

describe('${Handler}', () => {
  it('handles a ${name} job', async () => {
    const result = await new ${Handler}().handle({ subject: 'example' }, CONTEXT);
    expect(result).toEqual({ subject: 'example', attempt: 1 });
  });
});
`,
  ],
  [
    paths.processor,
    `import { ${Job}, type ${Payload} } from '@app/domain';
import { ${Handler}, type ${Result} } from '@app/workflow';
import { JobProcessor } from '../../processing/job-processor.decorator.js';
import { JobProcessorHost } from '../../processing/job-processor.host.js';

@JobProcessor(${Job})
export class ${Processor} extends JobProcessorHost<${Payload}, ${Result}> {
  constructor(handler: ${Handler}) {
    super(${Job}, handler);
  }
}
`,
  ],
  [
    paths.module,
    `import { Module } from '@nestjs/common';
import { ${Handler} } from '@app/workflow';
import { ${Processor} } from './${name}.processor.js';

@Module({
  providers: [${Handler}, ${Processor}],
})
export class ${JobModule} {}
`,
  ],
  [
    paths.catalog,
    insertBefore(
      addImport(catalog, `import { ${Job} } from './${name}/${name}.job.js';\n`, paths.catalog),
      /^\] as const;/m,
      `  ${Job},\n`,
      paths.catalog,
    ),
  ],
  [
    paths.domainIndex,
    sortedExports(read(paths.domainIndex), [
      `export * from './jobs/${name}/${name}.job.js';`,
      `export * from './jobs/${name}/${name}.payload.js';`,
    ]),
  ],
  [paths.workflowIndex, sortedExports(read(paths.workflowIndex), [`export * from './handlers/${name}.handler.js';`])],
  [
    paths.workerModule,
    insertBefore(
      addImport(read(paths.workerModule), `import { ${JobModule} } from './jobs/${name}/${name}-job.module.js';\n`, paths.workerModule),
      /^\];/m,
      `  ${JobModule},\n`,
      paths.workerModule,
    ),
  ],
]);

for (const [path, text] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

process.stdout.write(`job type "${name}" added:
  ${paths.payload}   the payload: replace the placeholder field
  ${paths.job}       name, payload, retry policy
  ${paths.handler}   the business logic (and ${name}.handler.spec.ts)
  ${paths.processor}
  ${paths.module}    imported in ${paths.workerModule}
POST /jobs/${name} accepts it once the apps are rebuilt (npm run dev does that).
`);

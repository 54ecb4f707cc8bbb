import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { packageRoot } from '../packageRoot.js'

// solc-js is an 8 MB emscripten module that blocks its thread for seconds: it runs in a worker so
// that the live progress keeps moving and Ctrl-C is handled at once. Every source is in the input
// already (see sourceClosure.ts); the callback only words the error for an import found nowhere.
// The worker sees an empty process.env: third-party code has no use for the operator's keys.
const workerCode = `
const { parentPort, workerData } = require('node:worker_threads')
const solc = require(workerData.solcPath)
const notFound = () => ({ error: 'no such file under ' + workerData.sourcesDir + ' or in node_modules' })
parentPort.postMessage(solc.compile(workerData.input, { import: notFound }))
`

const solcPath = createRequire(import.meta.url).resolve('solc', { paths: [packageRoot] })

/** Compiles a standard-JSON input with solc-js in a worker thread; returns solc's JSON output. */
export function runSolc(input: object, sourcesDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerCode, { eval: true, workerData: { solcPath, input: JSON.stringify(input), sourcesDir }, env: {} })
    worker.once('message', (output: string) => {
      resolve(output)
      void worker.terminate()
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the solc worker stopped with code ${code}`))
    })
  })
}

/**
 * The extraction child process: pipeline/pool.ts forks the compiled dist/pipeline/extractChild.js once per pool slot,
 * with `--max-old-space-size` set to the source budget's heap, and sends it tasks (pipeline/worker.ts runTask) over
 * its IPC channel (`serialization: 'advanced'`: typed arrays and Maps cross as they did between threads).
 *
 * Why a process and not a worker thread: V8's fatal out-of-heap error in a Worker with resourceLimits sometimes
 * aborts the whole process instead of ending only the worker with ERR_WORKER_OUT_OF_MEMORY (Node issue #47224;
 * seen in 1 of 3 builds of a page of 20,000 figures under a 96 MB heap). A process that runs out of heap takes only
 * itself down: the pool fails that source with a named reason and forks another.
 *
 * Protocol (ids are the pool's task ids; -1 is about the child itself):
 *   pool → child  {id: -1, init: {lexiconDir?, lexicon?}}  always first; the vocabulary, sent once per child
 *                 {id: -1, lexicon}                         a vocabulary the pool was handed after this child started
 *                 {id, task}
 *   child → pool  {id: -1, ready: true}  modules (pdf.js, the grammar) and the vocabulary loaded: tasks may come
 *                 {id, started: true}    the task begins: its watchdog counts from here
 *                 {id, partial} / {id, outcome} / {id, error}
 * The child ends when the channel closes (the pool closed it, or the main process died).
 */
import { WORKER_MARK } from './pool.js';
import { preloadLexicon, preloadReaders, runTask, useLexicon, type Outcome, type ProvidedLexicon, type Task } from './worker.js';

type Incoming = { id: number; init?: { lexiconDir?: string; lexicon?: ProvidedLexicon }; lexicon?: ProvidedLexicon; task?: Task };

if (process.send !== undefined && process.argv[2] === WORKER_MARK) {
  // a message that cannot be sent means the pool is gone: nothing is left to tell it
  const send = (msg: { id: number; ready?: true; started?: true; partial?: Outcome; outcome?: Outcome; error?: string }) => {
    if (process.connected) process.send!(msg, undefined, undefined, () => {});
  };
  // the pool closed the channel, or the main process died: a child never outlives its build
  process.on('disconnect', () => process.exit(0));
  // pdf.js and the grammar load while the init message is on its way
  const readersLoaded = preloadReaders();
  process.on('message', (msg: Incoming) => {
    if (msg.init) {
      if (msg.init.lexicon) useLexicon(msg.init.lexicon);
      const { lexiconDir } = msg.init;
      // the readers and a vocabulary the source tasks will name are loaded before the pool is told this child is
      // ready, so that a task's watchdog never counts start-up
      void readersLoaded.then(() => {
        if (lexiconDir !== undefined) preloadLexicon(lexiconDir);
        send({ id: -1, ready: true });
      });
      return;
    }
    if (msg.lexicon) {
      useLexicon(msg.lexicon);
      return;
    }
    if (!msg.task) return;
    const { id } = msg;
    // the pool starts the task's clock on this (pipeline/pool.ts): the child's own start-up is not the source's
    send({ id, started: true });
    runTask(msg.task, undefined, (partial) => send({ id, partial })).then(
      (outcome) => send({ id, outcome }),
      (err: unknown) => send({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
} else {
  process.stderr.write('figtrail: pipeline/extractChild.js is started by the extraction pool (pipeline/pool.ts), not by hand\n');
  process.exitCode = 2;
}

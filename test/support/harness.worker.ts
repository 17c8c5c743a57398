/// <reference lib="webworker" />
/** Module worker used by the harness test: comlink RPC and a WebSocket round trip. */
import * as Comlink from 'comlink';

const api = {
  add: (a: number, b: number) => a + b,
  isModuleWorker(): boolean {
    try {
      // Module workers refuse importScripts with a TypeError (classic ones would fetch it).
      (self as unknown as { importScripts(url: string): void }).importScripts('./nothing.js');
      return false;
    } catch (e) {
      return e instanceof TypeError;
    }
  },
  echo(url: string, samples: number[]): Promise<{ text: string; binary: number[] }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      const got: { text?: string; binary?: number[] } = {};
      ws.onerror = () => reject(new Error('WebSocket failed'));
      ws.onopen = () => {
        ws.send('hello');
        ws.send(new Int16Array(samples).buffer);
      };
      ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
        if (typeof e.data === 'string') got.text = e.data;
        else got.binary = [...new Int16Array(e.data)];
        if (got.text !== undefined && got.binary) {
          ws.close(1000);
          resolve({ text: got.text, binary: got.binary });
        }
      };
    });
  },
};

export type HarnessWorkerApi = typeof api;
Comlink.expose(api);

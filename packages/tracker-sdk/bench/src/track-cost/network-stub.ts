/**
 * Answers every request an SDK makes with 200 at once, without I/O, so the timings hold the SDKs'
 * own work only and every SDK pays the same for the network. Counts requests to show each SDK's
 * batching (and that events really left). Runs in Node (under happy-dom) and in a Chromium page.
 */
export const traffic = { requests: 0 };

// One body that every SDK reads as success: Segment/ours look at the status, Amplitude at `code`.
const OK_BODY = '{"success":true,"code":200,"events_ingested":1,"payload_size_bytes":1,"server_upload_time":1}';

type Listener = (event: { type: string; target: unknown }) => void;

export function installNetworkStub(defer: (callback: () => void) => void): void {
  // Captured before an SDK or happy-dom can swap them.
  const NativeResponse = globalThis.Response;
  const record = () => {
    traffic.requests += 1;
  };

  /** Just enough of XMLHttpRequest for SDKs that still send with it: 200 on a later task. */
  class FakeXhr {
    static readonly DONE = 4;
    readyState = 0;
    status = 0;
    statusText = "";
    responseText = "";
    response = "";
    responseType = "";
    timeout = 0;
    withCredentials = false;
    onreadystatechange: (() => void) | null = null;
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    ontimeout: (() => void) | null = null;
    private listeners = new Map<string, Listener[]>();
    open(): void {
      this.readyState = 1;
    }
    setRequestHeader(): void {}
    getResponseHeader(): string | null {
      return null;
    }
    getAllResponseHeaders(): string {
      return "";
    }
    abort(): void {}
    addEventListener(type: string, listener: Listener): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    removeEventListener(type: string, listener: Listener): void {
      this.listeners.set(
        type,
        (this.listeners.get(type) ?? []).filter((l) => l !== listener),
      );
    }
    private emit(type: string): void {
      for (const listener of this.listeners.get(type) ?? []) listener({ type, target: this });
    }
    send(): void {
      record();
      defer(() => {
        this.readyState = 4;
        this.status = 200;
        this.statusText = "OK";
        this.responseText = OK_BODY;
        this.response = OK_BODY;
        this.onreadystatechange?.();
        this.emit("readystatechange");
        this.onload?.();
        this.emit("load");
        this.emit("loadend");
      });
    }
  }

  const target = globalThis as unknown as Record<string, unknown>;
  target.fetch = async () => {
    record();
    return new NativeResponse(OK_BODY, { status: 200, headers: { "content-type": "application/json" } });
  };
  target.XMLHttpRequest = FakeXhr;
  if (typeof navigator !== "undefined") {
    Object.defineProperty(navigator, "sendBeacon", {
      configurable: true,
      value: () => {
        record();
        return true;
      },
    });
  }
}

/**
 * Kept feed versions (feed_version) as one process loaded them, shared by
 * every caller that asks for the same one. They never change, so a load is
 * good for as long as it is held: the `size` most recently asked stay. A load
 * that fails or finds nothing is not remembered: a session just created may
 * keep its version a moment later (SessionManager.create).
 */
export class KeptLoads<T> {
  private readonly loads = new Map<string, Promise<T | undefined>>();

  constructor(private readonly size: number) {}

  get(slug: string, version: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const key = `${slug}\n${version}`;
    let loaded = this.loads.get(key);
    if (loaded) {
      this.loads.delete(key); // set again below, as the most recently asked
    } else {
      loaded = load();
      const forget = () => this.loads.get(key) === loaded && this.loads.delete(key);
      loaded.then((value) => value ?? forget(), forget);
    }
    this.loads.set(key, loaded);
    if (this.loads.size > this.size) this.loads.delete(this.loads.keys().next().value!);
    return loaded;
  }
}

// Values that are here now or come later (not named `then`: a module exporting `then` is a
// thenable, and importing it would call it). A hot path whose data is cached (key, active scheme,
// stored state, a body that came with the headers) stays synchronous: an async function would
// cost promises and microtask turns on every request.

/** A value now, or later when it needed the database or the network. */
export type Awaitable<T> = T | Promise<T>;

/** Runs `next` on the value at once when it is here, else when it arrives. */
export function andThen<T, U>(value: Awaitable<T>, next: (v: T) => Awaitable<U>): Awaitable<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Whether `p` settled within `ms` (false: it was left going). */
export async function within(ms: number, p: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  const result = await Promise.race([p.then(() => true, () => true), late]);
  clearTimeout(timer);
  return result;
}

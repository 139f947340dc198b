/** Time, as the services see it: the wall clock in AWS, a clock tests and demos move forward locally. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** How a message names the owner: `ping` notifies them (a mention), `name` does not. */
export interface People {
  readonly ping: string;
  readonly name: string;
}

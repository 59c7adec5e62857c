/** Something the analysis could not read or had to cut; the analysis goes on. */
export interface Warning {
  /** 1-based frame number, or null when the warning is about the file or a whole connection. */
  frame: number | null;
  text: string;
}

/** Where warnings go. One sink per analysis; it may cap and count repeats. */
export type WarningSink = (frame: number | null, text: string) => void;

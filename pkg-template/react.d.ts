// Types of vitrin/react.
import type { ReactNode, ReactElement } from "react";
import type { Engine, Options, Prompt, Recommendation, RecommendRequest, Snapshot, VitrinError } from "vitrin";

export interface VitrinProviderProps {
  /** An engine you created; the provider does not destroy it. */
  engine?: Engine | null;
  /** Or options: the provider creates the engine in the browser and destroys it on unmount. */
  options?: Options | null;
  /** The server's decisions (`takeSnapshot`): what the hooks answer during server rendering and hydration. */
  snapshot?: Snapshot | null;
  /** Called when the engine cannot be created (e.g. `load_failed`); default `console.error`. */
  onError?: (error: VitrinError) => void;
  children?: ReactNode;
}

export declare function VitrinProvider(props: VitrinProviderProps): ReactElement;
/** The engine once it is ready, else null (always null during server rendering). */
export declare function useVitrin(): Engine | null;
/** Recommendations for a slot; from the snapshot until the engine is ready; re-read after each engine call and other tabs' changes. */
export declare function useRecommendations(request: RecommendRequest): Recommendation[];
/** The prompts due now; [] until the engine is ready. */
export declare function usePrompts(): Prompt[];

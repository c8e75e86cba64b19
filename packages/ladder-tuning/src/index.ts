export { tuneLadder } from './tune-ladder';
export type { TunedLadder, TuneLadderOptions, TuneLadderProgress } from './tune-ladder';
export { coordinateSearchLadder } from './ladder-coordinate-search';
export type { CoordinateSearchOptions, CoordinateSearchResult } from './ladder-coordinate-search';
export { bindLadderObjective, ladderObjectiveNames } from './ladder-objective';
export type { BindObjectiveOptions, BoundObjective, LadderObjectiveName } from './ladder-objective';
export { parseLadder, runLadder } from './ladder-sampling';
export type { LadderRun, LadderRunner, StartScale } from './ladder-sampling';

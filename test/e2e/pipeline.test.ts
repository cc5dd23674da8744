import { pipelineScenario } from './pipeline-scenario';

pipelineScenario('one monitor from creation to signed alerts, through real processes');

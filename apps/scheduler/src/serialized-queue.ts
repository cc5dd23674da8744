import { Job, type JobJson, type JobProgress, Queue } from 'bullmq';

/**
 * A job's data already written as JSON. A `SerializedQueue` stores the text as it is where BullMQ
 * would `JSON.stringify` an object, so a payload built as text is not parsed and written again.
 */
export class SerializedJobData {
  constructor(readonly json: string) {}
}

class SerializedDataJob<
  DataType = unknown,
  ReturnType = unknown,
  NameType extends string = string,
  ProgressType extends JobProgress = JobProgress,
> extends Job<DataType, ReturnType, NameType, ProgressType> {
  override asJSON(): JobJson {
    const data: unknown = this.data;
    if (!(data instanceof SerializedJobData)) return super.asJSON();
    // Everything but the data as BullMQ writes it; the data's text as given.
    this.data = undefined as DataType;
    try {
      return { ...super.asJSON(), data: data.json };
    } finally {
      this.data = data as DataType;
    }
  }
}

/** A BullMQ queue whose jobs may carry `SerializedJobData`; workers read them as any other job. */
export class SerializedQueue extends Queue {
  protected override get Job(): typeof Job {
    return SerializedDataJob;
  }
}

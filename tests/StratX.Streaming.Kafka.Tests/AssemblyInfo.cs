// The cluster tests each run two silos and a Kafka mock cluster: one at a time keeps them within the machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

"""The reference workload: the seed's property-image cascade, built to run, and the platform it runs on.

Three convolutional networks in a cascade — orientation (0/90/180/270), room
type, marketability — on synthetic property photographs (`render`,
`dataset`). Stage 1 learns orientation without labels; its backbone transfers
into stages 2 and 3 (`models`, `training`, `loop`). Training follows
SageMaker's Script Mode contract (`contract`, `checkpoints`), serving its
hosting contract (`serve`, `cascade`), and `launch` starts both through the
SageMaker SDK with every call judged by the guardrails enforcer. The
CloudFormation and Terraform in `infrastructure/` scan clean against
`guardrails.yaml`. Measurements are in RESULTS.md.

    python -m reference_workload data|train|serve|bench|launch --help
"""

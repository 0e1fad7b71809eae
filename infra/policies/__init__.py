"""The platform's policy pack: AWS FSBP controls as typed rules, run offline and by Pulumi."""

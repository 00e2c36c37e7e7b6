"""sm_typed's generator: botocore JSON-protocol models -> typed async client packages."""

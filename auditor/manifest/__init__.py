"""Release manifests: what a lab declares its release contains (release.yaml, or a MOT YAML)."""

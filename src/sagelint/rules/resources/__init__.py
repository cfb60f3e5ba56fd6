"""SM4: resource names the API rejects, and source files that are not there."""

"""Tests of local mode's composition: the embedded backend and TISS operator."""

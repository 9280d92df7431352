"""Evidence parsers: turn artefacts (ELF binaries, scripts, project directories, Dockerfiles) into observations.

Pure library code, no terminal I/O. Every parser raises :class:`kb.evidence.errors.EvidenceError` on bad input.
"""

package dev.flowpulse.ingest;

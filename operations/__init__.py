"""Operations: background jobs (the scheduler and its leader election across nodes)
and push to screens through Nchan."""

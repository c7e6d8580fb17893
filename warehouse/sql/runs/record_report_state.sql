-- What a report run showed (flows.report_state.report_key), kept apart from its counts.
insert into report_states (run_id, state, recorded_at) values ($run_id, $state, $recorded_at);

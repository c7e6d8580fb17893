-- Record a refresh (one row per refresh; marts/state.sql reads the latest).
insert into mart_state (refreshed_at, current_model, frame_keys, slant_keys, watermark, topics_version, mode,
                        articles_changed, seconds)
values ($refreshed_at, $current_model, $frame_keys, $slant_keys, $watermark, $topics_version, $mode,
        $articles_changed, $seconds);

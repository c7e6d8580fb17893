insert into article_collection (article_id, run_id, final_url, paywalled, paywall_signal, encoding,
                                encoding_source, recorded_at)
select article_id, run_id, final_url, paywalled, paywall_signal, encoding, encoding_source, recorded_at
from batch;

-- Prediction volume per model and day (Model.predictionVolume, the console's sparklines) counts a
-- page of models' records over the last days in one statement: model_name = ANY(...) AND first_at
-- in a range. prediction_records_model_time has model_version between the two, so without this
-- index PostgreSQL reads every index entry a model ever had and filters on first_at; with it, each
-- model's window is one index range, read index-only. The hourly volume alert (model_name, first_at
-- >= an hour ago) and predictionStats without a version take the same ranges.
CREATE INDEX prediction_records_model_day ON prediction_records (model_name, first_at);

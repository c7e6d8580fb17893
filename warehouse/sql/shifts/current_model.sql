select model_version from models where is_current;

-- A full refresh starts from empty mart tables (a new current model, a new frame order or taxonomy).
delete from mart_articles;
delete from mart_frame_cells;
delete from mart_slant_cells;

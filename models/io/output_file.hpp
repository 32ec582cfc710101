#pragma once
// Where results go: every writer of the project (checkpoints, threshold files, campaign outputs,
// traces, reports) makes the folders it writes into, and the commands call the prepare_*
// functions before any long work, so a bad path fails in the first second, naming it, instead of
// after an hour of training.
#include <cstddef>
#include <string>

namespace proact {

// Creates the missing parent folders of `path` and checks that the folder is writable and that
// `path` is not a folder. Throws std::runtime_error "<path>: <problem>".
void prepare_output_file(const std::string& path);

// Creates `directory` (and its parents) if missing and checks that it is a writable folder.
// Throws std::runtime_error "<directory>: <problem>".
void prepare_output_directory(const std::string& directory);

// Writes `text` to `path` (creating missing parent folders) through a synced temporary file in the
// same folder and rename(2), so readers see the old or the complete new content, never a mix.
// Throws std::runtime_error naming the file on any I/O error.
void write_file_atomically(const std::string& path, const void* bytes, std::size_t size);
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace proact

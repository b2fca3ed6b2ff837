// The fuzz targets without libFuzzer: runs every file of the folders (or the files) given on the
// command line through LLVMFuzzerTestOneInput once, in name order. ctest replays the committed
// corpus and regressions of each target with it in the normal builds (dev, asan), so that a crash
// found once stays fixed. A folder that does not exist is skipped (a target may have no
// regressions); finding no file at all is an error (a wrong path would otherwise pass).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_support.hpp"

namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> in_folder;
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) in_folder.push_back(entry.path());
      }
      std::sort(in_folder.begin(), in_folder.end());
      files.insert(files.end(), in_folder.begin(), in_folder.end());
    } else if (std::filesystem::is_regular_file(arg, ec)) {
      files.push_back(arg);
    } else {
      std::printf("skipping %s: no such file or folder\n", argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "no input files found\n");
    return 2;
  }
  for (const auto& file : files) {
    const std::vector<std::uint8_t> bytes = read_file(file);
    std::printf("%s (%zu bytes)\n", file.string().c_str(), bytes.size());
    std::fflush(stdout);  // the name is out before a crash
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("%zu inputs, no failure\n", files.size());
  return 0;
}

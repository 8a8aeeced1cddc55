#pragma once
/**
 * @file cli.hpp
 * @brief The demos' command lines: every flag checked before any work starts, every failure one line.
 *
 * Header-only, for programs that link CLI11 (every demo does). A demo adds its
 * flags with one of the checks below and hands its body to `nn::cli::run`:
 *
 * @code
 * CLI::App app{"what the demo shows"};
 * std::size_t epochs = 5;
 * app.add_option("--epochs", epochs, "passes over the data")->check(nn::cli::count(1, 100000));
 * return nn::cli::run(app, argc, argv, [&] { ...; return 0; });
 * @endcode
 *
 * A bad flag prints one line naming the flag, the value and what is allowed,
 * `error: --epochs: got -3; allowed: a whole number from 1 to 100000`, and exits
 * with `nn::cli::exit_usage` (2). Any exception from the body prints one line
 * `error: ...` and exits with `nn::cli::exit_failure` (1).
 */
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>

namespace nn::cli {

/// @brief Exit code of a bad flag (as for `sysexits`' usage errors and most Unix tools).
inline constexpr int exit_usage = 2;
/// @brief Exit code of a run that failed (bad data, a failed write, diverged training).
inline constexpr int exit_failure = 1;

/// @brief A flag whose value cannot be used, found after parsing (exit code 2).
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

inline std::string got_allowed(const std::string& value, const std::string& allowed) {
  return "got '" + value + "'; allowed: " + allowed;
}

// The directory a file would be created in.
inline std::filesystem::path parent_of(const std::string& file) {
  const std::filesystem::path parent = std::filesystem::path(file).parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// "" if a file can be created in `dir` (created first, with its parents), else why not.
inline std::string writable_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create the directory " + dir.string() + " (" + ec.message() + ")";
  if (!std::filesystem::is_directory(dir, ec)) return dir.string() + " is not a directory";
  const std::string probe = (dir / (".nn_probe_" + std::to_string(::getpid()))).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return "cannot write in the directory " + dir.string() + " (" + std::strerror(errno) + ")";
  ::close(fd);
  ::unlink(probe.c_str());
  return "";
}

// `s`, read whole as a finite number; NaN, infinities, overflow and trailing text give false.
inline bool finite_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE && std::isfinite(v);
}

// "" if `s` names an existing `noun` ("file", "directory"): one that `is_kind` accepts;
// otherwise says whether it is missing or of another kind (not `kind`, e.g. "a regular file").
template <class IsKind>
std::string existing(const std::string& s, IsKind is_kind, const std::string& noun,
                     const std::string& kind) {
  std::error_code ec;
  if (is_kind(s, ec)) return "";
  return got_allowed(s, "an existing " + noun + " (" +
                            (std::filesystem::exists(s, ec) ? "this is not " + kind : "no such " + noun) +
                            ")");
}

}  // namespace detail

/**
 * @brief A whole number from `lo` to `hi`, checked on the text itself.
 *
 * CLI11 converts `-3` for an unsigned flag to \f$ 2^{64} - 3 \f$; checking the
 * text first refuses it with the allowed range instead.
 */
inline CLI::Validator count(std::uint64_t lo, std::uint64_t hi) {
  const std::string allowed =
      "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, allowed](std::string& s) -> std::string {
        std::uint64_t v = 0;
        const char* end = s.data() + s.size();
        const auto [p, ec] = std::from_chars(s.data(), end, v);
        if (s.empty() || ec != std::errc() || p != end || v < lo || v > hi)
          return detail::got_allowed(s, allowed);
        return "";
      },
      "INT in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

/// @brief Any 64-bit seed, 0 to \f$ 2^{64} - 1 \f$ (a negative seed is refused, not wrapped).
inline CLI::Validator seed() { return count(0, std::numeric_limits<std::uint64_t>::max()); }

/// @brief A finite number in `(0, hi]`: a learning rate, say (NaN, infinities, 0 and negatives refused).
inline CLI::Validator positive(double hi) {
  std::ostringstream o;
  o << "a finite number > 0 and <= " << hi;
  const std::string allowed = o.str();
  return CLI::Validator(
      [hi, allowed](std::string& s) -> std::string {
        double v = 0;
        return detail::finite_number(s, v) && v > 0 && v <= hi ? "" : detail::got_allowed(s, allowed);
      },
      "NUMBER in (0, " + std::to_string(hi) + "]");
}

/// @brief A directory to write into: created if missing, and checked writable now, not after the run.
inline CLI::Validator output_directory() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty()) return detail::got_allowed(s, "a directory path");
        const std::string why = detail::writable_directory(s);
        return why.empty() ? "" : detail::got_allowed(s, "a writable directory: " + why);
      },
      "DIR");
}

/// @brief A file to write: its directory is created if missing and checked writable now.
inline CLI::Validator output_file() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty() || s.back() == '/' || std::filesystem::is_directory(s))
          return detail::got_allowed(s, "a file path (not a directory)");
        const std::string why = detail::writable_directory(detail::parent_of(s));
        return why.empty() ? "" : detail::got_allowed(s, "a file in a writable directory: " + why);
      },
      "FILE");
}

/// @brief An existing regular file to read.
inline CLI::Validator input_file() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        return detail::existing(
            s, [](const std::string& p, std::error_code& ec) { return std::filesystem::is_regular_file(p, ec); },
            "file", "a regular file");
      },
      "FILE");
}

/// @brief A data set `nn::load_named` knows: `mnist`, `digits`, `fashion`, or an existing directory of IDX files.
inline CLI::Validator dataset() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        std::error_code ec;
        return s == "mnist" || s == "digits" || s == "fashion" || std::filesystem::is_directory(s, ec)
                   ? ""
                   : detail::got_allowed(s, "mnist, digits, fashion or an existing directory");
      },
      "DATA");
}

/// @brief `what` on one line: line breaks become "; ".
inline std::string one_line(std::string what) {
  for (std::size_t i = 0; (i = what.find('\n', i)) != std::string::npos;)
    what.replace(i, 1, i + 1 < what.size() ? "; " : "");
  return what;
}

/**
 * @brief Parses the command line, then runs `body`; every failure becomes one line `error: ...`.
 *
 * Returns what `body` returns; 0 after `--help`; `exit_usage` (2) for a bad flag
 * (CLI11's checks or a `usage_error` from `body`); `exit_failure` (1) for any
 * other exception (`nn::data_error`, `nn::training_error`, a failed write, `std::bad_alloc`).
 */
template <class Body>
int run(CLI::App& app, int argc, char** argv, Body body) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return exit_usage;
  }
  try {
    return body();
  } catch (const usage_error& e) {
    std::cout.flush();
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return exit_failure;
  }
}

/// @brief A finite number in `[lo, hi]`: a noise level or a clipping norm, say (NaN and infinities refused).
inline CLI::Validator number(double lo, double hi) {
  std::ostringstream o;
  o << "a finite number from " << lo << " to " << hi;
  const std::string allowed = o.str();
  return CLI::Validator(
      [lo, hi, allowed](std::string& s) -> std::string {
        double v = 0;
        return detail::finite_number(s, v) && v >= lo && v <= hi ? "" : detail::got_allowed(s, allowed);
      },
      "NUMBER in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

/// @brief An existing directory to read.
inline CLI::Validator input_directory() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        return detail::existing(
            s, [](const std::string& p, std::error_code& ec) { return std::filesystem::is_directory(p, ec); },
            "directory", "a directory");
      },
      "DIR");
}

}  // namespace nn::cli

#include <lipen/base/exceptions.h>
#include <lipen/output/atomic_file.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lipen
{
  void
  write_file_atomically(const std::string &path, const std::string &content)
  {
    const std::string tmp  = path + ".tmp." + std::to_string(::getpid());
    const auto        fail = [&](const std::string &what)
    {
      const std::string reason = std::strerror(errno);
      ::unlink(tmp.c_str());
      throw OutputError("cannot write '" + path + "' (" + what + ": " + reason +
                        ")");
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
      fail("open");
    std::size_t done = 0;
    while (done < content.size())
    {
      const ssize_t n =
        ::write(fd, content.data() + done, content.size() - done);
      if (n < 0)
      {
        if (errno == EINTR)
          continue;
        ::close(fd);
        fail("write");
      }
      done += std::size_t(n);
    }
    // the data must be on disk before the rename makes it visible
    if (::fsync(fd) != 0 && errno != EINVAL)
    {
      ::close(fd);
      fail("fsync");
    }
    if (::close(fd) != 0)
      fail("close");
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
      fail("rename");
  }
} // namespace lipen

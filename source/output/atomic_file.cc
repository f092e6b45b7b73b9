#include <lipen/base/exceptions.h>
#include <lipen/base/fault_injection.h>
#include <lipen/output/atomic_file.h>

#include <deal.II/base/mpi.h>

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
    if (fault_requested("write"))
    {
      ::close(fd);
      errno = ENOSPC;
      fail("write");
    }
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

  void
  write_on_root(MPI_Comm comm, const std::function<void()> &writes)
  {
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      try
      {
        writes();
      }
      catch (const OutputError &e)
      {
        error = e.what();
        if (error.empty())
          error = "output error";
      }
    error = dealii::Utilities::MPI::broadcast(comm, error, 0);
    if (!error.empty())
      throw OutputError(error);
  }
} // namespace lipen

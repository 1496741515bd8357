"""OSDP: frame codec, secure channel, control panel and reader (peripheral) over RS-485.

The codec layers (:mod:`.frame`, :mod:`.messages`, :mod:`.secure`) do no I/O. This module
re-exports their public names; one import line per module, so that others can be appended.
"""

from .codes import *  # noqa: F403
from .commands import *  # noqa: F403
from .cp import *  # noqa: F403
from .cp_async import *  # noqa: F403
from .cp_console import *  # noqa: F403
from .cp_runner import *  # noqa: F403
from .cp_types import *  # noqa: F403
from .errors import *  # noqa: F403
from .frame import *  # noqa: F403
from .handshake import *  # noqa: F403
from .link import *  # noqa: F403
from .messages import *  # noqa: F403
from .pd import *  # noqa: F403
from .pd_config import *  # noqa: F403
from .pd_console import *  # noqa: F403
from .pd_runner import *  # noqa: F403
from .pd_state import *  # noqa: F403
from .replies import *  # noqa: F403
from .secure import *  # noqa: F403

"""Request handlers of the simulated device APIs, one module per API family."""

from axisctl.sim.handlers.deviceinfo import apidiscovery_cgi, basicdeviceinfo_cgi, systemready_cgi
from axisctl.sim.handlers.param import param_cgi
from axisctl.sim.handlers.pwdgrp import pwdgrp_cgi

__all__ = ["apidiscovery_cgi", "basicdeviceinfo_cgi", "param_cgi", "pwdgrp_cgi", "systemready_cgi"]
